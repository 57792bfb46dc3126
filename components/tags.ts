/** User tags plus the `Name` tag AWS consoles show; `Name` always comes from the component. */
export function nameTags(
    name: string,
    tags: Record<string, string> | undefined,
): Record<string, string> {
    return { ...tags, Name: name };
}
