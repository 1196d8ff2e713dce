package org.example.web.observability;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.springframework.web.filter.OncePerRequestFilter;

/**
 * A filter that sees each request begin and complete: how long it took, and what it threw, if
 * anything escaped (the exception is rethrown unchanged).
 */
abstract class CompletedRequestFilter extends OncePerRequestFilter {

	@Override
	protected final void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
			throws ServletException, IOException {
		long start = System.nanoTime();
		begin(request, response);
		Throwable failure = null;
		try {
			chain.doFilter(request, response);
		}
		catch (IOException | ServletException | RuntimeException ex) {
			failure = ex;
			throw ex;
		}
		finally {
			completed(request, response, failure, System.nanoTime() - start);
		}
	}

	/**
	 * The status the client is sent: the response's, or 500 when an exception escaped before the
	 * response was committed (the servlet container then answers 500, whatever status was set).
	 */
	static int statusSent(HttpServletResponse response, Throwable failure) {
		return (failure != null && !response.isCommitted()) ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR
				: response.getStatus();
	}

	/** Before the request is served. */
	void begin(HttpServletRequest request, HttpServletResponse response) {
	}

	/** After it was served, or failed with {@code failure} (null when nothing escaped). */
	abstract void completed(HttpServletRequest request, HttpServletResponse response, Throwable failure, long nanos);

}
