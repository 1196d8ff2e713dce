package org.example.web.discovery;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.cloud.consul.model.http.agent.NewService;
import org.springframework.cloud.consul.serviceregistry.ConsulAutoRegistration;
import org.springframework.cloud.consul.serviceregistry.ConsulServiceRegistry;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Registers the instance with its Consul agent when it is ready, with its check passing from the
 * first moment. Spring Cloud Consul would register it when the public web server starts, before
 * the management server that answers the readiness check and before readiness is up: the agent's
 * first check failed, and the next one came an interval (1 s) later. Measured in the stack: ready
 * at .250, the first check critical at .006 (before it), in HAProxy at 1.444 (registration is
 * switched off in application.yaml, {@code spring.cloud.consul.discovery.register=false}; the
 * library still gives the registration its port).
 * <p>
 * When readiness becomes ACCEPTING_TRAFFIC, the check's initial status is "passing" (what the check
 * would find at its next run) and the instance registers. From then on the agent's HTTP check runs
 * every interval and takes the instance out when readiness goes down. Any other readiness state
 * clears the initial status. A registration the agent already holds keeps its check's status
 * (Consul restores it on a registration again), so this only works for the first one; the
 * {@link RegistrationWatchdog} registers again, while ready, when the agent has forgotten it.
 */
@Component
class RegisterWhenReady {

	static final String PASSING = "passing";

	private final ConsulServiceRegistry registry;

	private final ConsulAutoRegistration registration;

	RegisterWhenReady(ConsulServiceRegistry registry, ConsulAutoRegistration registration) {
		this.registry = registry;
		this.registration = registration;
	}

	@EventListener
	void onReadiness(AvailabilityChangeEvent<ReadinessState> event) {
		NewService.Check check = this.registration.getService().getCheck();
		boolean ready = event.getState() == ReadinessState.ACCEPTING_TRAFFIC;
		if (check != null) {
			check.setStatus(ready ? PASSING : null);
		}
		// Should the agent not answer, the library logs it (fail-fast is off) and the watchdog
		// registers the instance once it answers.
		if (ready) {
			this.registry.register(this.registration);
		}
	}

}
