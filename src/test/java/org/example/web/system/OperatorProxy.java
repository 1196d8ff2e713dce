package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A forwarder on a free port of 127.0.0.1 that passes GETs to the operator port with the
 * operators' credentials, for a program that cannot be given them otherwise without putting the
 * password on its command line (headless Chromium: {@code http://user:password@...}).
 */
final class OperatorProxy implements AutoCloseable {

	private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

	private final HttpServer server;

	private final String authorization = Credentials.operatorAuthorization();

	OperatorProxy() {
		try {
			this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		this.server.createContext("/", this::forward);
		this.server.start();
	}

	/** The operator port's URL for that path, through this forwarder. */
	String url(String path) {
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + path;
	}

	private void forward(HttpExchange exchange) throws IOException {
		try (exchange) {
			if (!exchange.getRequestMethod().equals("GET")) {
				exchange.sendResponseHeaders(405, -1);
				return;
			}
			HttpRequest request = HttpRequest.newBuilder(URI.create(Endpoints.OPERATOR + exchange.getRequestURI()))
				.header("Authorization", this.authorization)
				.timeout(Duration.ofSeconds(20))
				.build();
			HttpResponse<byte[]> response = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
			response.headers().firstValue("Content-Type").ifPresent((type) -> exchange.getResponseHeaders().set("Content-Type", type));
			byte[] body = response.body();
			exchange.sendResponseHeaders(response.statusCode(), (body.length == 0) ? -1 : body.length);
			exchange.getResponseBody().write(body);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
