package io.meshinfer.connect.intentions;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The parts both JSON forms share: an intention's Action or Permissions, JWT requirements and source type. Unknown keys
 * inside a permission are refused in both forms: a match condition this code does not know of, silently
 * dropped, would widen what an allow permission lets through.
 */
final class PermissionsJson {

    private PermissionsJson() {
    }

    /** Reads {@code Action} and {@code Permissions} from an intention or a source: exactly one must be given. */
    static Intention.Rule rule(JsonFields owner) {
        String action = owner.text("Action");
        List<Permission> permissions = permissions(owner);
        if (permissions.isEmpty()) {
            return new Intention.L4(owner.build(() -> Action.parse("Action", action)));
        }
        if (!action.isEmpty()) {
            throw owner.invalid("Action", "must be omitted if Permissions are specified");
        }
        return new Intention.L7(permissions);
    }

    /** An empty type means Consul's own; no other kind of source exists. */
    static void requireConsulSource(JsonFields owner, String key) {
        String type = owner.text(key);
        if (!type.isEmpty() && !type.equals("consul")) {
            throw owner.invalid(key, "must be \"consul\", not \"" + type + "\"");
        }
    }

    /** Reads {@code JWT}: whether it names at least one provider. */
    static boolean requiresJwt(JsonFields owner) {
        Optional<JsonFields> jwt = owner.object("JWT");
        if (jwt.isEmpty()) {
            return false;
        }
        List<JsonFields> providers = jwt.get().objects("Providers");
        for (JsonFields provider : providers) {
            if (provider.text("Name").isEmpty()) {
                throw provider.invalid("Name", "is required");
            }
            for (JsonFields claim : provider.objects("VerifyClaims")) {
                claim.texts("Path");
                claim.text("Value");
                claim.rejectUnknown();
            }
            provider.rejectUnknown();
        }
        jwt.get().rejectUnknown();
        return !providers.isEmpty();
    }

    private static List<Permission> permissions(JsonFields owner) {
        List<Permission> out = new ArrayList<>();
        for (JsonFields permission : owner.objects("Permissions")) {
            String verdict = permission.text("Action");
            Action action = permission.build(() -> Action.parse("Action", verdict));
            JsonFields http = permission.object("HTTP").orElseThrow(() -> permission.invalid("HTTP", "is required"));
            HttpMatch match = http(http);
            boolean jwt = requiresJwt(permission);
            permission.rejectUnknown();
            out.add(new Permission(action, match, jwt));
        }
        return out;
    }

    private static HttpMatch http(JsonFields http) {
        String exact = http.text("PathExact");
        String prefix = http.text("PathPrefix");
        String regex = http.text("PathRegex");
        PathMatch path = http.build(() -> PathMatch.of(exact, prefix, regex));
        List<HeaderMatch> headers = new ArrayList<>();
        for (JsonFields header : http.objects("Header")) {
            headers.add(header(header));
        }
        List<String> methods = http.texts("Methods");
        http.rejectUnknown();
        return http.build(() -> new HttpMatch(path, methods, headers));
    }

    private static HeaderMatch header(JsonFields header) {
        String name = header.text("Name");
        boolean present = header.flag("Present");
        String exact = header.text("Exact");
        String prefix = header.text("Prefix");
        String suffix = header.text("Suffix");
        String regex = header.text("Regex");
        boolean invert = header.flag("Invert");
        header.rejectUnknown();
        return header.build(() -> HeaderMatch.of(name, present, exact, prefix, suffix, regex, invert));
    }
}
