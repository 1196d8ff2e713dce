package org.example.web.discovery;

import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.boot.availability.ApplicationAvailability;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.cloud.consul.ConsulClient;
import org.springframework.cloud.consul.model.http.agent.Service;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.http.ResponseEntity;

import static org.mockito.BDDMockito.given;
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

	private void ready(ReadinessState state) {
		given(this.availability.getReadinessState()).willReturn(state);
		given(this.registration.getInstanceId()).willReturn(ID);
	}

	private void agentHolds(Map<String, Service> services) {
		given(this.consul.getAgentServices()).willReturn(ResponseEntity.ok(services));
	}

}
