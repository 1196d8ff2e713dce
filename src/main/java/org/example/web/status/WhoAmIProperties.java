package org.example.web.status;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code /whoami}'s test hook.
 *
 * @param delayEnabled whether {@code delayMs} may make an answer late on purpose; off by default,
 * since a client could otherwise hold a server thread for seconds with one cheap request. The
 * system tests turn it on (drain tests: a stopping instance must finish what it has accepted).
 */
@ConfigurationProperties("app.whoami")
record WhoAmIProperties(boolean delayEnabled) {
}
