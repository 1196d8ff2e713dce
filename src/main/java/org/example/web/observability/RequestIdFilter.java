package org.example.web.observability;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Ties a request to HAProxy's log line for it. The request id HAProxy generated
 * ({@code X-Request-ID}) goes into the MDC, so every line logged while serving the request
 * carries it, and back to the client; the instance's name goes back in {@code X-Served-By},
 * which HAProxy records in its log line and removes from the answer. A request that failed
 * (5xx or an exception) or was slow is also logged here, with its id, status and duration: one
 * structured JSON line (see application.yaml). Normal requests are not: HAProxy's log has them
 * all, and a log line per request through Docker's logging costs more than the request itself.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
// Also for @WebMvcTest slices, which include filters but no @ConfigurationPropertiesScan.
@EnableConfigurationProperties(RequestLogProperties.class)
class RequestIdFilter extends CompletedRequestFilter {

	static final String REQUEST_ID_HEADER = "X-Request-ID";

	static final String SERVED_BY_HEADER = "X-Served-By";

	static final String MDC_KEY = "requestId";

	private static final Logger log = LoggerFactory.getLogger("request");

	private final RequestLogProperties properties;

	RequestIdFilter(RequestLogProperties properties) {
		this.properties = properties;
	}

	@Override
	void begin(HttpServletRequest request, HttpServletResponse response) {
		String id = request.getHeader(REQUEST_ID_HEADER);
		if (id != null) {
			MDC.put(MDC_KEY, id);
			response.setHeader(REQUEST_ID_HEADER, id);
		}
		response.setHeader(SERVED_BY_HEADER, this.properties.instanceName());
	}

	@Override
	void completed(HttpServletRequest request, HttpServletResponse response, Throwable failure, long nanos) {
		try {
			logIfFailedOrSlow(request, response, failure, nanos);
		}
		finally {
			MDC.remove(MDC_KEY);
		}
	}

	private void logIfFailedOrSlow(HttpServletRequest request, HttpServletResponse response, Throwable failure,
			long nanos) {
		if (!this.properties.enabled()) {
			return;
		}
		int status = statusSent(response, failure);
		long millis = nanos / 1_000_000;
		String reason = (failure != null || status >= 500) ? "failed"
				: (millis >= this.properties.slowThreshold().toMillis()) ? "slow" : null;
		if (reason != null) {
			log.atWarn()
				.addKeyValue("http.request.method", request.getMethod())
				.addKeyValue("url.path", request.getRequestURI())
				.addKeyValue("http.response.status_code", status)
				.addKeyValue("event.duration", nanos)
				.addKeyValue("event.reason", reason)
				.log("{} {} {} {}ms {}", request.getMethod(), request.getRequestURI(), status, millis, reason);
		}
	}

}
