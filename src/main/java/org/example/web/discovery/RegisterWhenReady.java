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
 * first check failed, and the next one came an interval (1 s) later. Registration at start-up is
 * switched off in application.yaml ({@code spring.cloud.consul.discovery.register=false}); the
 * library still gives the registration its port and its check.
 * <p>
 * Every registration happens while the instance is ready (here, and in
 * {@link RegistrationWatchdog}), so it carries the check's initial status "passing": what the
 * check would find at its next run. From then on the agent's HTTP check runs every interval and
 * takes the instance out when readiness goes down. A registration the agent already holds keeps
 * its check's status (Consul restores it when a service registers again).
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
		if (event.getState() == ReadinessState.ACCEPTING_TRAFFIC) {
			register();
		}
	}

	/**
	 * Registers the instance, its check passing; only while it is ready. Should the agent not
	 * answer, the library logs it (fail-fast is off) and the watchdog registers once it answers.
	 */
	void register() {
		// The library makes the check when the web server starts (with its port): set it here.
		NewService.Check check = this.registration.getService().getCheck();
		if (check != null) {
			check.setStatus(PASSING);
		}
		this.registry.register(this.registration);
	}

}
