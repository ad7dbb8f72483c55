package io.meshinfer.server.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * One configuration setting: its flag, environment variable and YAML key all derive from one name.
 *
 * @param name         kebab-case name: flag {@code --name}, YAML key {@code name}, variable {@code MESHINFER_NAME}
 * @param defaultValue the value when no source sets it ("" for none)
 * @param valueHint    what the value looks like, for help ({@code N}, {@code DIR}, ...); empty for a boolean
 * @param description  one line for {@code --help} and the README
 * @param repeatable   whether the flag may be given several times (the variable then takes a comma list)
 * @param validator    checks a raw value and returns it normalised; throws {@link IllegalArgumentException} with
 *                     the accepted values otherwise
 */
public record Setting(String name, String defaultValue, String valueHint, String description, boolean repeatable,
                      Function<String, String> validator) {

    /** {@code --name}. */
    public String flag() {
        return "--" + name;
    }

    /** {@code MESHINFER_NAME}; Consul's settings keep Consul's names ({@code --consul-http-addr}: {@code CONSUL_HTTP_ADDR}). */
    public String environmentVariable() {
        String upper = name.toUpperCase(Locale.ROOT).replace('-', '_');
        return isConsul() ? upper : "MESHINFER_" + upper;
    }

    /** Whether this is one of Consul's client settings. */
    public boolean isConsul() {
        return name.startsWith("consul-");
    }

    /** Whether this is an on/off switch (a flag without a value means true). */
    public boolean isSwitch() {
        return valueHint.isEmpty();
    }
}
