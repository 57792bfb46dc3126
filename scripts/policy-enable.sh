#!/usr/bin/env bash
# Enables the published ecs-guardrails pack for each policy group, with that environment's config.
#   npm run policy:enable -- <org> [version]      (version defaults to latest)
# Groups: "prod" gets policies/strict.json, "dev" gets policies/lenient.json. Create the groups and
# add stacks to them in Pulumi Cloud first (Policies > Policy groups).
set -euo pipefail
org="${1:?usage: npm run policy:enable -- <org> [version]}"
version="${2:-latest}"
cd "$(dirname "$0")/.."
pulumi policy enable "$org/ecs-guardrails" "$version" --policy-group prod --config policies/strict.json
pulumi policy enable "$org/ecs-guardrails" "$version" --policy-group dev --config policies/lenient.json
