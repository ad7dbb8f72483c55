package io.meshinfer.connect.intentions;

/**
 * What happens when no intention names the caller: Consul's default intention behaviour, which follows the ACL
 * default policy unless the mesh config entry overrides it.
 */
public enum DefaultPolicy {
    ALLOW,
    DENY
}
