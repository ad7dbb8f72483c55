package io.meshinfer.server.cli;

import org.junit.jupiter.api.Test;

import io.meshinfer.server.config.Setting;
import io.meshinfer.server.config.Settings;

import static org.junit.jupiter.api.Assertions.assertTrue;

class HelpTest {
    @Test
    void bothHelpTextsListEveryFlagWithItsDefault() {
        for (String help : new String[] {Help.main(), Help.serve()}) {
            for (Setting s : Settings.ALL) {
                String line = help.lines().filter(l -> l.startsWith("  " + s.flag() + " ")).findFirst()
                        .orElseThrow(() -> new AssertionError(s.flag() + " missing from\n" + help));
                if (!s.defaultValue().isEmpty()) {
                    assertTrue(line.endsWith("(default: " + s.defaultValue() + ")"), line);
                }
            }
        }
    }

    @Test
    void theMainHelpNamesEveryCommand() {
        for (String command : new String[] {"serve", "cert issue", "test", "build", "bench", "version"}) {
            assertTrue(Help.main().contains("meshinfer " + command), command);
        }
    }
}
