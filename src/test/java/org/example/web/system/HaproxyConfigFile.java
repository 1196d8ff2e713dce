package org.example.web.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.example.web.support.Project;

import org.springframework.boot.convert.DurationStyle;

/**
 * Settings of haproxy/haproxy.cfg, the file the stack's HAProxy runs: the tests take HAProxy's
 * limits and timeouts from it instead of repeating them.
 */
final class HaproxyConfigFile {

	static final Path PATH = Project.ROOT.resolve("haproxy/haproxy.cfg");

	/** The file's lines, stripped, read once: the tests read it, nothing writes it. */
	private static final List<String> LINES = read();

	private HaproxyConfigFile() {
	}

	/** The value of the first line that sets NAME ("    timeout http-request 5s" -> "5s"). */
	static String setting(String name) {
		return LINES.stream()
			.filter((line) -> line.startsWith(name + " "))
			.map((line) -> line.substring(name.length()).strip())
			.findFirst()
			.orElseThrow(() -> new IllegalStateException(PATH + " sets no " + name));
	}

	private static List<String> read() {
		try {
			return Files.readAllLines(PATH).stream().map(String::strip).toList();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A setting that is a number ("    tune.bufsize 16384"). */
	static int number(String name) {
		return Integer.parseInt(setting(name));
	}

	/** A setting that is a duration in HAProxy's units ("5s", "1m"; plain milliseconds are not used). */
	static Duration duration(String name) {
		return DurationStyle.detectAndParse(setting(name));
	}

	/** The period of a stick-table's stored rate, e.g. STORED "http_req_rate" in "store http_req_rate(10s),conn_cur". */
	static Duration ratePeriod(String stored) {
		Matcher period = Pattern.compile(Pattern.quote(stored) + "\\(([^)]+)\\)").matcher(setting("stick-table"));
		if (!period.find()) {
			throw new IllegalStateException(PATH + ": no stick-table stores " + stored + "(period)");
		}
		return DurationStyle.detectAndParse(period.group(1));
	}

}
