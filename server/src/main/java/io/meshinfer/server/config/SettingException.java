package io.meshinfer.server.config;

/** The configuration is invalid; the message names the setting, where it came from and what is accepted. */
public final class SettingException extends RuntimeException {
    public SettingException(String message) {
        super(message);
    }
}
