package org.example.web.discovery;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.model.http.agent.Service;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.http.ResponseEntity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.BDDMockito.given;
import static org.mockito.BDDMockito.willAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;

/** The watchdog registers only a ready instance that its agent does not hold (the agent itself: ConsulOutageIT). */
class RegistrationWatchdogTest {

	static final String ID = "web-host-0000abcd";

	private final ConsulClient consul = mock(ConsulClient.class);

	private final RegisterWhenReady registrar = mock(RegisterWhenReady.class);

	private final ConsulAutoRegistration registration = mock(ConsulAutoRegistration.class);

	private final ApplicationAvailability availability = mock(ApplicationAvailability.class);

	private final RegistrationWatchdog watchdog = new RegistrationWatchdog(this.consul, this.registrar,
			this.registration, this.availability);

	private final CountDownLatch agentAsked = new CountDownLatch(1);

	private final CountDownLatch agentAnswer = new CountDownLatch(1);

	@Test
	void registersAReadyInstanceTheAgentDoesNotHold() {
		ready(ReadinessState.ACCEPTING_TRAFFIC);
		agentHolds(Map.of());
		this.watchdog.ensureRegistered();
		verify(this.registrar).register();
	}

	@Test
	void leavesARegistrationTheAgentHoldsAlone() {
		ready(ReadinessState.ACCEPTING_TRAFFIC);
		agentHolds(Map.of(ID, new Service()));
		this.watchdog.ensureRegistered();
		verify(this.registrar, never()).register();
	}

	@Test
	void neverRegistersAnInstanceThatIsNotReady() {
		ready(ReadinessState.REFUSING_TRAFFIC);
		agentHolds(Map.of());
		this.watchdog.ensureRegistered();
		verifyNoInteractions(this.registrar, this.consul);
	}

	@Test
	void neverRegistersOnceStopped() {
		ready(ReadinessState.ACCEPTING_TRAFFIC);
		agentHolds(Map.of());
		this.watchdog.stop();
		this.watchdog.ensureRegistered();
		verifyNoInteractions(this.registrar, this.consul);
	}

	@Test
	void stopWaitsForAPassUnderWaySoThatItsRegistrationComesFirst() throws Exception {
		ready(ReadinessState.ACCEPTING_TRAFFIC);
		agentAnswersOnceReleased(Map.of());
		AtomicBoolean registered = new AtomicBoolean();
		willAnswer((call) -> {
			registered.set(true);
			return null;
		}).given(this.registrar).register();
		CountDownLatch stopping = new CountDownLatch(1);
		// A thread each: stop() runs while the pass waits.
		try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
			try {
				CompletableFuture<Void> pass = passUnderWay(threads);
				CompletableFuture<Boolean> stop = CompletableFuture.supplyAsync(() -> {
					stopping.countDown();
					this.watchdog.stop();
					return registered.get();
				}, threads);
				assertThat(stopping.await(10, TimeUnit.SECONDS)).as("stop() called").isTrue();
				Thread.sleep(200);
				assertThat(stop).as("stop() while the pass waits for the agent").isNotDone();
				this.agentAnswer.countDown();
				assertThat(stop.get(10, TimeUnit.SECONDS)).as("registered when stop() returned").isTrue();
				pass.get(10, TimeUnit.SECONDS);
			}
			finally {
				this.agentAnswer.countDown();
			}
		}
	}

	@Test
	void stopGivesUpOnAPassThatHangsAfterItsWait() throws Exception {
		ready(ReadinessState.ACCEPTING_TRAFFIC);
		agentAnswersOnceReleased(Map.of(ID, new Service()));
		try (ExecutorService threads = Executors.newFixedThreadPool(2)) {
			try {
				passUnderWay(threads);
				long start = System.nanoTime();
				CompletableFuture.runAsync(this.watchdog::stop, threads).get(10, TimeUnit.SECONDS);
				Duration waited = Duration.ofNanos(System.nanoTime() - start);
				assertThat(waited).isGreaterThanOrEqualTo(RegistrationWatchdog.PASS_UNDER_WAY_WAIT);
			}
			finally {
				this.agentAnswer.countDown();
			}
		}
	}

	/** The agent is asked, and answers only once {@link #agentAnswer} is counted down. */
	private void agentAnswersOnceReleased(Map<String, Service> services) {
		given(this.consul.getAgentServices()).willAnswer((call) -> {
			this.agentAsked.countDown();
			this.agentAnswer.await(30, TimeUnit.SECONDS);
			return ResponseEntity.ok(services);
		});
	}

	/** A pass that is past its check of "stopped" and waits for the agent's answer. */
	private CompletableFuture<Void> passUnderWay(ExecutorService threads) throws InterruptedException {
		CompletableFuture<Void> pass = CompletableFuture.runAsync(this.watchdog::ensureRegistered, threads);
		assertThat(this.agentAsked.await(10, TimeUnit.SECONDS)).as("the pass asked the agent").isTrue();
		return pass;
	}

	private void ready(ReadinessState state) {
		given(this.availability.getReadinessState()).willReturn(state);
		given(this.registration.getInstanceId()).willReturn(ID);
	}

	private void agentHolds(Map<String, Service> services) {
		given(this.consul.getAgentServices()).willReturn(ResponseEntity.ok(services));
	}

}
