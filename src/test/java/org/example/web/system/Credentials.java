package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Stream;

import org.example.web.support.Http;

/**
 * The system's secrets, as deploy/secrets.sh keeps them on the manager ($SECRETS_DIR, root-only
 * files; deploy/lib/common.sh has the same default): the one place the tests read them. A secret
 * is never printed, never put in a command line, and never written to a report.
 */
final class Credentials {

	static final Path SECRETS_DIR = Path.of(System.getenv().getOrDefault("SECRETS_DIR", "/var/lib/swarmweb/secrets"));

	/** The operators' user on HAProxy's operator port (deploy/secrets.sh). */
	static final String OPERATOR_USER = "operator";

	private Credentials() {
	}

	/** The file of a secret, e.g. "discovery.token" (consul/acl/tokens.conf) or "operator-password". */
	static Path file(String name) {
		return SECRETS_DIR.resolve(name);
	}

	/** The content of a secret, without surrounding white space. */
	static String read(String name) {
		try {
			return Files.readString(file(name), StandardCharsets.UTF_8).strip();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("cannot read the secret " + name + " in " + SECRETS_DIR
					+ " (made by deploy/secrets.sh; root only)", ex);
		}
	}

	/**
	 * Whether TEXT holds one of the secrets a report could catch: an ACL token (*.token) or the
	 * operators' password. Secrets that cannot be read here count as absent.
	 */
	static boolean appearsIn(String text) {
		try (Stream<Path> files = Files.list(SECRETS_DIR)) {
			return files.filter((f) -> f.getFileName().toString().endsWith(".token")
					|| f.getFileName().toString().equals("operator-password"))
				.map((f) -> read(f.getFileName().toString()))
				.anyMatch((secret) -> secret.length() >= 8 && text.contains(secret));
		}
		catch (IOException | UncheckedIOException ex) {
			return false;
		}
	}

	/** The Authorization header value of the operators (HTTP basic auth). */
	static String operatorAuthorization() {
		return basic(OPERATOR_USER, read("operator-password"));
	}

	static String basic(String user, String password) {
		return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
	}

	/** A GET on the operator port (or anything behind it) with the operators' credentials. */
	static HttpResponse<String> getAsOperator(String url) {
		return Http.get(url, Map.of("Authorization", operatorAuthorization()));
	}

}
