package io.meshinfer.server.cli;

import io.meshinfer.server.config.Setting;
import io.meshinfer.server.config.Settings;

/** The text of {@code --help}, generated from {@link Settings} so that it can never miss a flag. */
public final class Help {
    private Help() {
    }

    public static String main() {
        return """
                meshinfer: Hugging Face ONNX models served over a TEI-compatible API, with Consul Connect built in.

                Usage:
                  meshinfer serve [flags]   serve models (with no flags: the built-in all-MiniLM-L6-v2 over mTLS)
                  meshinfer cert issue --service NAME --out DIR [--state-dir DIR]
                                            write cert.pem, key.pem and ca.pem for a local caller (embedded CA)
                  meshinfer test            run the whole test suite (launcher only)
                  meshinfer build [--gpu]   build without running (--gpu: the CUDA variant)
                  meshinfer bench           run the benchmarks and print the numbers (launcher only)
                  meshinfer version         print the version
                  meshinfer --help          this text

                """ + flags("serve flags");
    }

    public static String serve() {
        return "Usage: meshinfer serve [flags]\n\n" + flags("Flags");
    }

    private static String flags(String heading) {
        StringBuilder out = new StringBuilder("""
                Every flag can also be set as an environment variable (MESHINFER_<NAME>, dashes as underscores;
                the --consul-* flags use Consul's own CONSUL_<NAME> variables) or as a key of the YAML file given
                with --config. Precedence: flag, then environment, then the file, then the default.

                """).append(heading).append(":\n");
        for (Setting s : Settings.ALL) {
            String left = "  " + s.flag() + (s.isSwitch() ? "" : " " + s.valueHint());
            out.append(String.format("%-36s %s", left, s.description()));
            out.append(s.defaultValue().isEmpty() ? "" : " (default: " + s.defaultValue() + ")");
            out.append('\n');
        }
        return out.toString();
    }
}
