package org.example.web.observability;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * One log line per request on the public port, carrying the request id HAProxy generated
 * ({@code X-Request-ID}, also in HAProxy's own log line), so that one request can be followed from
 * the balancer to the instance. The id is in the MDC, so every line logged while serving the
 * request carries it too (structured JSON logs, see application.yaml).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
@ConditionalOnBooleanProperty(name = "app.request-log.enabled", matchIfMissing = true)
class RequestIdFilter extends OncePerRequestFilter {

	static final String HEADER = "X-Request-ID";

	static final String MDC_KEY = "requestId";

	private static final Logger log = LoggerFactory.getLogger("request");

	@Override
	protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		String id = request.getHeader(HEADER);
		long start = System.nanoTime();
		if (id != null) {
			MDC.put(MDC_KEY, id);
			response.setHeader(HEADER, id);
		}
		try {
			chain.doFilter(request, response);
		}
		finally {
			log.info("{} {} {} {}ms", request.getMethod(), request.getRequestURI(), response.getStatus(),
					(System.nanoTime() - start) / 1_000_000);
			MDC.remove(MDC_KEY);
		}
	}

}
