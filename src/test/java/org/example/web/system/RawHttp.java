package org.example.web.system;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import org.example.web.support.Timing;

/**
 * HTTP/1 over a plain socket, for requests no HTTP client would send (malformed, oversized,
 * smuggling-shaped, or sent slowly): the bytes go out as given, and whatever comes back until the
 * server closes the connection (or the time is up) is the answer.
 */
final class RawHttp {

	private RawHttp() {
	}

	/** What came back: the status (-1 if none), the header fields (lower-case names), the body, when. */
	record Answer(int status, Map<String, String> headers, String head, String body, double seconds) {

		/** The whole answer as text: the status line, the header fields and the body. */
		String text() {
			return this.head + "\r\n\r\n" + this.body;
		}

		Optional<String> header(String name) {
			return Optional.ofNullable(this.headers.get(name.toLowerCase(Locale.ROOT)));
		}

	}

	/** Sends the request at once and reads the answer (at most {@code wait}). */
	static Answer send(int port, String request, Duration wait) {
		return send(port, request.getBytes(StandardCharsets.ISO_8859_1), wait);
	}

	static Answer send(int port, byte[] request, Duration wait) {
		return exchange(port, wait, (out) -> {
			out.write(request);
			out.flush();
		});
	}

	/**
	 * Slowloris: sends the first line, then one more header field every {@code every}, never the
	 * end of the headers, until the server answers or closes (at most {@code wait}).
	 */
	static Answer sendSlowly(int port, String firstLines, Duration every, Duration wait) {
		long start = Timing.now();
		try (Socket socket = connect(port)) {
			OutputStream out = socket.getOutputStream();
			out.write(firstLines.getBytes(StandardCharsets.ISO_8859_1));
			out.flush();
			socket.setSoTimeout((int) every.toMillis());
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			int field = 0;
			while (Timing.now() - start < wait.toMillis()) {
				try {
					int n = in.read(buffer);
					if (n < 0) {
						break;
					}
					answer.write(buffer, 0, n);
				}
				catch (SocketTimeoutException ex) {
					if (answer.size() > 0) {
						break;
					}
					try {
						out.write(("X-Slow-" + (field++) + ": 1\r\n").getBytes(StandardCharsets.ISO_8859_1));
						out.flush();
					}
					catch (IOException closed) {
						// the server gave up on us: read what it said
					}
				}
			}
			return parse(answer.toByteArray(), Timing.secondsSince(start));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private interface Writer {

		void write(OutputStream out) throws IOException;

	}

	private static Answer exchange(int port, Duration wait, Writer request) {
		long start = Timing.now();
		try (Socket socket = connect(port)) {
			try {
				request.write(socket.getOutputStream());
			}
			catch (IOException ex) {
				// the server may answer (and close) before it has read everything: read its answer
			}
			ByteArrayOutputStream answer = new ByteArrayOutputStream();
			InputStream in = socket.getInputStream();
			byte[] buffer = new byte[8192];
			while (Timing.now() - start < wait.toMillis()) {
				socket.setSoTimeout((int) Math.max(1, wait.toMillis() - (Timing.now() - start)));
				try {
					int n = in.read(buffer);
					if (n < 0) {
						break;
					}
					answer.write(buffer, 0, n);
				}
				catch (SocketTimeoutException ex) {
					break;
				}
				catch (IOException reset) {
					break;
				}
			}
			return parse(answer.toByteArray(), Timing.secondsSince(start));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static Socket connect(int port) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
		return socket;
	}

	/** The first answer in the bytes (its status line, header fields and what follows them). */
	static Answer parse(byte[] bytes, double seconds) {
		String text = new String(bytes, StandardCharsets.ISO_8859_1);
		int end = text.indexOf("\r\n\r\n");
		String head = (end >= 0) ? text.substring(0, end) : text;
		String body = (end >= 0) ? text.substring(end + 4) : "";
		String[] lines = head.split("\r\n");
		int status = -1;
		if (lines.length > 0 && lines[0].startsWith("HTTP/")) {
			String[] parts = lines[0].split(" ");
			if (parts.length > 1 && parts[1].matches("\\d{3}")) {
				status = Integer.parseInt(parts[1]);
			}
		}
		Map<String, String> headers = new LinkedHashMap<>();
		for (int i = 1; i < lines.length; i++) {
			int colon = lines[i].indexOf(':');
			if (colon > 0) {
				headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
						lines[i].substring(colon + 1).trim());
			}
		}
		if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
			body = dechunk(body);
		}
		return new Answer(status, headers, head, body, seconds);
	}

	/** The data of a chunked body (as far as it is well-formed). */
	static String dechunk(String chunked) {
		StringBuilder data = new StringBuilder();
		int at = 0;
		while (at < chunked.length()) {
			int lineEnd = chunked.indexOf("\r\n", at);
			if (lineEnd < 0) {
				break;
			}
			int size;
			try {
				size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
			}
			catch (NumberFormatException ex) {
				break;
			}
			if (size == 0 || lineEnd + 2 + size > chunked.length()) {
				break;
			}
			data.append(chunked, lineEnd + 2, lineEnd + 2 + size);
			at = lineEnd + 2 + size + 2;
		}
		return data.toString();
	}

}
