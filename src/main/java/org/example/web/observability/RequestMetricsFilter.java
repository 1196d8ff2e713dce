package org.example.web.observability;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpMethod;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Times every request of the public port into Micrometer's {@code http.server.requests} timer,
 * with the tags Spring's own observation gives it ({@code method}, {@code uri} as the route's
 * pattern, {@code status}, {@code outcome}, {@code exception}; not its {@code error} tag, nor its
 * {@code http.server.requests.active} timer): what the dashboard reads. Spring's observation of
 * server requests is switched off ({@code management.observations.enable.http.server.requests},
 * application.yaml): it cost about a quarter of an instance's throughput on {@code GET /status}
 * (docs/benchmarks-tuning.md). This filter looks each timer up once per distinct set of tags and
 * then only records into it. Requests to the management port (actuator) are not timed.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class RequestMetricsFilter extends CompletedRequestFilter {

	static final String METRIC = "http.server.requests";

	/** The methods HTTP defines (HttpMethod.values() copies its array on every call). */
	private static final Set<String> METHODS = Arrays.stream(HttpMethod.values())
		.map(HttpMethod::name)
		.collect(Collectors.toUnmodifiableSet());

	private final MeterRegistry registry;

	private final Map<Tags, Timer> timers = new ConcurrentHashMap<>();

	// Web slice tests have no MeterRegistry: then nothing is recorded.
	RequestMetricsFilter(ObjectProvider<MeterRegistry> registry) {
		this.registry = registry.getIfAvailable();
	}

	@Override
	void completed(HttpServletRequest request, HttpServletResponse response, Throwable failure, long nanos) {
		if (this.registry == null) {
			return;
		}
		int status = statusSent(response, failure);
		// What the handler threw, not the servlet's wrapper around it.
		if (failure instanceof ServletException wrapper && wrapper.getCause() != null) {
			failure = wrapper.getCause();
		}
		// An exception that a handler turned into an answer: its name tags the timer, its status stays.
		if (failure == null && request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) instanceof Throwable handled) {
			failure = handled;
		}
		Tags tags = new Tags(method(request), uri(request, status), status, exception(failure));
		this.timers.computeIfAbsent(tags, (key) -> key.timer(this.registry)).record(nanos, TimeUnit.NANOSECONDS);
	}

	/** The exception's simple name, its full name for an anonymous class, or "none". */
	private static String exception(Throwable failure) {
		if (failure == null) {
			return "none";
		}
		String name = failure.getClass().getSimpleName();
		return name.isEmpty() ? failure.getClass().getName() : name;
	}

	/** Only the methods HTTP defines: a made-up method must not make a time series of its own. */
	private static String method(HttpServletRequest request) {
		String method = request.getMethod();
		return METHODS.contains(method) ? method : "UNKNOWN";
	}

	/** The route's pattern, never the raw path (one series per route, whatever the client sends). */
	private static String uri(HttpServletRequest request, int status) {
		if (request.getAttribute(HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE) instanceof String pattern) {
			return pattern.isEmpty() ? "root" : pattern;
		}
		if (status == 404) {
			return "NOT_FOUND";
		}
		return (status >= 300 && status < 400) ? "REDIRECTION" : "UNKNOWN";
	}

	private record Tags(String method, String uri, int status, String exception) {

		Timer timer(MeterRegistry meters) {
			return Timer.builder(METRIC)
				.description("Duration of HTTP server request handling")
				.tag("method", this.method)
				.tag("uri", this.uri)
				.tag("status", Integer.toString(this.status))
				.tag("outcome", outcome(this.status))
				.tag("exception", this.exception)
				.register(meters);
		}

		private static String outcome(int status) {
			return switch (status / 100) {
				case 1 -> "INFORMATIONAL";
				case 2 -> "SUCCESS";
				case 3 -> "REDIRECTION";
				case 4 -> "CLIENT_ERROR";
				case 5 -> "SERVER_ERROR";
				default -> "UNKNOWN";
			};
		}

	}

}
