package org.example.web.support;

import java.util.Optional;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * What a {@code GET /whoami} body says about the instance that answered: its host name (the
 * container id in the stack) and version.
 */
public record WhoAmI(String hostname, String version) {

	/** The instance that answered, or empty when the body is not a /whoami answer (an error page). */
	public static Optional<WhoAmI> parse(String body) {
		if (body == null || body.isBlank()) {
			return Optional.empty();
		}
		try {
			JsonNode json = Json.read(body);
			return json.path("hostname")
				.stringValueOpt()
				.map((hostname) -> new WhoAmI(hostname, json.path("version").stringValue(null)));
		}
		catch (JacksonException ex) {
			return Optional.empty();
		}
	}

	/** The host name in a body that must be a /whoami answer. */
	public static String hostnameIn(String body) {
		return parse(body).orElseThrow(() -> new AssertionError("not a /whoami answer: " + body)).hostname();
	}

}
