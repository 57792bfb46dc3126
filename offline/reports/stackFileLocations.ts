/**
 * Where in a stack file a finding comes from: the line of the service's `- name:` entry, of the port
 * entry and the key that opened it, or of the stack key a component is built from. SARIF results point
 * there, so code scanning annotates the entry a reviewer must change (not the file's header comment),
 * and editing another part of the file moves no alert.
 *
 * The scanner reads the block YAML that stack files are written in (keys, `- ` list items, comments,
 * flow values on one line) by indentation; a value it cannot see into (a JSON string, a flow list)
 * is located at its key.
 */

export interface YamlEntry {
    /** `config.ecsnet:services[0].ports[1].openToInternet`; a list item is `...services[0]`. */
    path: string;
    /** 1-based. */
    line: number;
    /** The scalar written after the key, without quotes; "" for a block. */
    value: string;
}

// A key may hold a colon that is not followed by a space (`aws:region`, `ecsnet:services`).
const KEY = /^("[^"]*"|'[^']*'|(?:[^\s:#"']|:\S)(?:[^:#]|:\S)*?)\s*:(?:\s+(.*))?$/;

const unquote = (s: string) =>
    s
        .replace(/\s+#.*$/, "")
        .trim()
        .replace(/^(["'])(.*)\1$/, "$2");

/** Every key and list item of a block-YAML document, with its path and line. */
export function yamlEntries(text: string): YamlEntry[] {
    const entries: YamlEntry[] = [];
    // The open blocks: the column they start at, their path, whether a list item, their item count.
    const stack: { column: number; path: string; item: boolean; items: number }[] = [
        { column: -1, path: "", item: false, items: 0 },
    ];
    const top = () => stack[stack.length - 1];
    text.split(/\r?\n/).forEach((raw, i) => {
        if (/^\s*(#|$)/.test(raw) || /^(---|\.\.\.)\s*$/.test(raw)) return;
        let column = raw.length - raw.trimStart().length;
        let content = raw.trim();
        let parentPath: string;
        if (content === "-" || content.startsWith("- ")) {
            // An item belongs to the key above it, written at the key's column or deeper.
            while (
                stack.length > 1 &&
                (top().column > column || (top().column === column && top().item))
            )
                stack.pop();
            const list = top();
            parentPath = `${list.path}[${list.items++}]`;
            entries.push({ path: parentPath, line: i + 1, value: "" });
            stack.push({ column, path: parentPath, item: true, items: 0 });
            const rest = content.slice(1).trimStart();
            column += content.length - rest.length;
            content = rest;
            if (content === "") return;
        } else {
            while (stack.length > 1 && top().column >= column) stack.pop();
            parentPath = top().path;
        }
        const m = KEY.exec(content);
        if (!m) return;
        const key = unquote(m[1]);
        const path = parentPath === "" ? key : `${parentPath}.${key}`;
        const value = m[2] === undefined ? "" : unquote(m[2]);
        entries.push({ path, line: i + 1, value });
        if (value === "") stack.push({ column, path, item: false, items: 0 });
    });
    return entries;
}

/** The entries of one list item, or of one key's block. */
function within(entries: YamlEntry[], path: string): YamlEntry[] {
    return entries.filter(
        (e) => e.path === path || e.path.startsWith(`${path}.`) || e.path.startsWith(`${path}[`),
    );
}

/** The list item under `list` whose `key` is `value`. */
function itemWhere(
    entries: YamlEntry[],
    list: string,
    key: string,
    value: string,
): YamlEntry | undefined {
    return entries.find(
        (e) =>
            e.path.startsWith(`${list}[`) &&
            /^[^.]*\[\d+\]$/.test(e.path.slice(list.length)) &&
            entries.some((c) => c.path === `${e.path}.${key}` && c.value === value),
    );
}

/** What a finding is about, as the stack file names it. */
export interface FindingSubject {
    /** The service (an `EcsService` component's name) the resource belongs to. */
    service?: string;
    /** The port the resource opens (from its name: `...-in-tcp-22-from-internet`). */
    port?: number;
    /** The stack keys the resource's component is built from, most telling first (`loadBalancerCidrs`). */
    keys?: string[];
}

/** The line a finding points at: the port's key, the service's entry, the component's key, or `config:`. */
export function findingLine(
    entries: YamlEntry[],
    namespace: string,
    subject: FindingSubject,
): number {
    const services = `config.${namespace}:services`;
    const service =
        subject.service === undefined
            ? undefined
            : itemWhere(entries, services, "name", subject.service);
    if (service) {
        const port =
            subject.port === undefined
                ? undefined
                : itemWhere(
                      entries,
                      `${service.path}.ports`,
                      "containerPort",
                      String(subject.port),
                  );
        if (port) {
            return (
                within(entries, port.path).find((e) => e.path === `${port.path}.openToInternet`) ??
                port
            ).line;
        }
        return service.line;
    }
    for (const key of subject.keys ?? []) {
        const entry = entries.find((e) => e.path === `config.${namespace}:${key}`);
        if (entry) return entry.line;
    }
    return entries.find((e) => e.path === "config")?.line ?? 1;
}

/** The stack keys each of this project's components is built from, most telling first. */
const COMPONENT_KEYS: Record<string, string[]> = {
    "ecsnet:lb:PublicLoadBalancer": ["loadBalancerCidrs", "allowPlainHttp", "certificateArn"],
    "ecsnet:network:PrivateSubnetNetwork": ["pattern", "natStrategy", "vpcCidr"],
    "ecsnet:network:PublicSubnetNetwork": ["pattern", "vpcCidr"],
    "ecsnet:network:VpcFlowLogs": ["flowLogs"],
    "ecsnet:ecs:ServiceConnectCluster": ["namespace", "containerInsights"],
    "ecsnet:ecs:Ec2Capacity": ["instanceType", "launchType"],
};

/**
 * What a resource's finding is about: the service its `EcsService` ancestor is named for, the port
 * its name says it opens, and the keys its nearest component of this project is built from.
 */
export function subjectOf(
    urn: string,
    resources: { urn: string; type: string; name: string; parent: string | null }[],
): FindingSubject {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const subject: FindingSubject = {};
    const port = /-(?:tcp|udp)-(\d+)(?:-\d+)?-from-/.exec(urn.split("::").pop() ?? "");
    if (port) subject.port = Number(port[1]);
    for (let r = byUrn.get(urn); r; r = r.parent ? byUrn.get(r.parent) : undefined) {
        if (r.type === "ecsnet:ecs:EcsService") return { ...subject, service: r.name };
        if (COMPONENT_KEYS[r.type] && !subject.keys) subject.keys = COMPONENT_KEYS[r.type];
    }
    return subject;
}
