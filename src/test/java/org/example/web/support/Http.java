package org.example.web.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** Plain HTTP calls of the tests (not the load: see the system tests' LoadDriver). */
public final class Http {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private Http() {
	}

	public static HttpResponse<String> get(String url) {
		return send("GET", url);
	}

	/** A GET with these request headers (name to value). */
	public static HttpResponse<String> get(String url, Map<String, String> headers) {
		return send("GET", url, headers);
	}

	/** The status of a GET, or -1 when no answer came (refused, reset, timed out). */
	public static int status(String url) {
		try {
			return get(url).statusCode();
		}
		catch (UncheckedIOException ex) {
			return -1;
		}
	}

	public static HttpResponse<String> send(String method, String url) {
		return send(method, url, Map.of());
	}

	public static HttpResponse<String> send(String method, String url, Map<String, String> headers) {
		HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url))
			.method(method, HttpRequest.BodyPublishers.noBody())
			.timeout(TIMEOUT);
		headers.forEach(builder::header);
		HttpRequest request = builder.build();
		try {
			return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(method + " " + url + " failed", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
