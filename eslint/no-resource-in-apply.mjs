/**
 * Never create a resource inside `apply` (style.md, "Components"): a resource made there is missing
 * from `pulumi preview` whenever the Output is unknown, so the preview hides what `up` will create.
 * Flags `new X(...)` inside a callback passed to `.apply(...)` when X's instances have a `urn`
 * (every Pulumi resource does).
 */
import { ESLintUtils } from "@typescript-eslint/utils";

export default {
    meta: {
        type: "problem",
        docs: { description: "Disallow creating Pulumi resources inside Output.apply callbacks." },
        messages: {
            resourceInApply:
                "{{name}} is a Pulumi resource created inside apply: pulumi preview cannot show it while the Output is unknown. Create it outside, and pass Outputs as its inputs.",
        },
        schema: [],
    },
    create(context) {
        const services = ESLintUtils.getParserServices(context);
        const checker = services.program.getTypeChecker();
        const insideApply = (node) => {
            for (let n = node.parent; n; n = n.parent) {
                if (
                    (n.type === "ArrowFunctionExpression" || n.type === "FunctionExpression") &&
                    n.parent?.type === "CallExpression" &&
                    n.parent.arguments.includes(n)
                ) {
                    const callee = n.parent.callee;
                    if (
                        callee.type === "MemberExpression" &&
                        callee.property.type === "Identifier" &&
                        callee.property.name === "apply"
                    )
                        return true;
                }
            }
            return false;
        };
        return {
            NewExpression(node) {
                if (!insideApply(node)) return;
                const type = checker.getTypeAtLocation(services.esTreeNodeToTSNodeMap.get(node));
                if (type.getProperty("urn") !== undefined) {
                    context.report({
                        node,
                        messageId: "resourceInApply",
                        data: { name: context.sourceCode.getText(node.callee) },
                    });
                }
            },
        };
    },
};
