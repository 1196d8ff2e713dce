package org.example.web.system;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import org.example.web.support.Timing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The load driver against a tiny HTTP server of the JDK on 127.0.0.1. */
class LoadDriverTest {

	private final CountDownLatch released = new CountDownLatch(1);

	private final AtomicInteger received = new AtomicInteger();

	private HttpServer server;

	@AfterEach
	void stopServer() {
		this.released.countDown();
		if (this.server != null) {
			this.server.stop(0);
		}
	}

	@Test
	void aRequestStillUnansweredWhenTheLoadStopsFailsAsUnanswered() {
		String url = serve((exchange) -> await(this.released)); // never answers while the test runs
		LoadDriver load = LoadDriver.start(url, 20, Duration.ofSeconds(5), Duration.ofSeconds(30),
				Duration.ofMillis(300));
		Timing.pause(Duration.ofMillis(500));
		LoadSummary summary = load.stop();

		assertThat(summary.sent()).isGreaterThanOrEqualTo(5);
		assertThat(summary.failed()).isEqualTo(summary.sent());
		assertThat(summary.errorKinds()).containsOnlyKeys("unanswered");
		assertThat(summary.samples()).allSatisfy((s) -> assertThat(s.status()).isEqualTo(-1));
	}

	@Test
	void everyAnsweredRequestIsASampleWithTheInstanceThatAnswered() {
		String url = serve((exchange) -> answer(exchange, 200,
				"{\"hostname\":\"c0ffee\",\"version\":\"9.9.9\",\"instanceId\":\"web-c0ffee-1\"}"));
		LoadDriver load = LoadDriver.start(url, 20, Duration.ofSeconds(5));
		Timing.pause(Duration.ofMillis(500));
		LoadSummary summary = load.stop();

		assertThat(summary.sent()).isGreaterThanOrEqualTo(5).isEqualTo(this.received.get());
		summary.assertNoneFailed();
		assertThat(summary.perInstance()).containsOnlyKeys("c0ffee");
		assertThat(summary.perVersion()).containsOnlyKeys("9.9.9");
	}

	@Test
	void errorAnswersFailByTheirStatus() {
		String url = serve((exchange) -> answer(exchange, 503, "<html>no server available</html>"));
		LoadSummary summary = runFor(LoadDriver.start(url, 20, Duration.ofSeconds(5)), Duration.ofMillis(300));
		assertThat(summary.errorKinds()).containsOnlyKeys("5xx");
		assertThat(summary.failed()).isEqualTo(summary.sent());
	}

	@Test
	void aRefusedConnectionFailsAsRefused() {
		String url = serve((exchange) -> answer(exchange, 200, "{}"));
		this.server.stop(0);
		this.server = null;
		LoadSummary summary = runFor(LoadDriver.start(url, 20, Duration.ofSeconds(5)), Duration.ofMillis(300));
		assertThat(summary.errorKinds()).containsOnlyKeys("refused");
	}

	@Test
	void aLoadThatReachesItsTimeLimitSaysSo() {
		String url = serve((exchange) -> answer(exchange, 200, "{}"));
		LoadSummary summary = runFor(LoadDriver.start(url, 20, Duration.ofMillis(200)), Duration.ofMillis(500));
		assertThat(summary.timeLimitReached()).isTrue();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(summary::assertNoneFailed);
	}

	@Test
	void aScenarioLeftEarlyStopsItsLoad() {
		String url = serve((exchange) -> answer(exchange, 200, "{}"));
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> {
			try (Scenario scenario = Scenario.underLoad(url, 20, Duration.ofSeconds(30))) {
				scenario.hold(Duration.ofMillis(300));
				throw new IllegalStateException("a wait that failed");
			}
		});
		Timing.pause(Duration.ofMillis(100)); // a request already on the wire may still arrive
		int afterClose = this.received.get();
		Timing.pause(Duration.ofMillis(400)); // at 20 requests/s, 8 more would come if it still ran
		assertThat(afterClose).isPositive();
		assertThat(this.received.get()).isEqualTo(afterClose);
	}

	private static LoadSummary runFor(LoadDriver load, Duration duration) {
		Timing.pause(duration);
		return load.stop();
	}

	private String serve(HttpHandler handler) {
		try {
			this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
		this.server.createContext("/", (exchange) -> {
			this.received.incrementAndGet();
			handler.handle(exchange);
		});
		this.server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
		this.server.start();
		return "http://127.0.0.1:" + this.server.getAddress().getPort() + "/whoami";
	}

	private static void answer(HttpExchange exchange, int status, String body) throws IOException {
		byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
		exchange.sendResponseHeaders(status, bytes.length);
		exchange.getResponseBody().write(bytes);
		exchange.close();
	}

	private static void await(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
