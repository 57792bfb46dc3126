/**
 * The ports the images this repository runs listen on, from the images' own definitions: what the
 * process inside binds, not what a stack file claims. A port mapping that Service Connect exposes or
 * a load balancer routes to must be one of these, or the proxy and the load balancer forward to a
 * closed port and every request fails.
 * - httpd: docker-library/httpd's Dockerfile `EXPOSE 80`, and its httpd.conf `Listen 80`.
 * - nginx: nginx's official image (docker-library and public.ecr.aws/nginx/nginx) `EXPOSE 80`,
 *   default.conf `listen 80`.
 * - busybox: runs no server.
 */
export const IMAGE_PORTS: { repository: RegExp; tcp: number[] }[] = [
    {
        repository: /^(public\.ecr\.aws\/docker\/library\/|docker\.io\/(library\/)?)?httpd(:|@|$)/,
        tcp: [80],
    },
    {
        repository:
            /^(public\.ecr\.aws\/nginx\/|public\.ecr\.aws\/docker\/library\/|docker\.io\/(library\/)?)?nginx(:|@|$)/,
        tcp: [80],
    },
    {
        repository:
            /^(public\.ecr\.aws\/docker\/library\/|docker\.io\/(library\/)?)?busybox(:|@|$)/,
        tcp: [],
    },
];

/** The TCP ports an image listens on, or undefined for an image this table does not know. */
export function listeningPorts(image: string): number[] | undefined {
    return IMAGE_PORTS.find((i) => i.repository.test(image))?.tcp;
}
