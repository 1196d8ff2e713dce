package org.example.web.errors;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/** A request Tomcat refuses before Spring sees it gets a JSON error without internals. */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.cloud.consul.port=1", "management.server.port=0", "spring.cloud.consul.enabled=true" })
class JsonErrorsFromTomcatTest {

	@LocalServerPort
	int port;

	@Test
	void aMalformedUriIsAnsweredWithJson() throws IOException {
		String answer = raw("GET /%zz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
		assertThat(answer).startsWith("HTTP/1.1 400");
		assertThat(answer).containsIgnoringCase("content-type: application/json");
		assertThat(answer).doesNotContain("<html").doesNotContainIgnoringCase("tomcat").doesNotContain("Exception");
	}

	@Test
	void aRequestHeaderTooLargeForTomcatIsAnsweredWithJsonWithoutAStackTrace() throws IOException {
		String answer = raw("GET /status HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nX-Big: " + "a".repeat(20 * 1024)
				+ "\r\n\r\n");
		assertThat(answer).startsWith("HTTP/1.1 400");
		assertThat(answer).containsIgnoringCase("content-type: application/json");
		assertThat(answer).doesNotContain("Exception").doesNotContain("org.apache").doesNotContain(".java");
	}

	private String raw(String request) throws IOException {
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			OutputStream out = socket.getOutputStream();
			out.write(request.getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			return new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
	}

}
