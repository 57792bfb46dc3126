/** ECS limits on a service's `awsvpcConfiguration`. */
export const MAX_SUBNETS = 16;
export const MAX_SECURITY_GROUPS = 5;
