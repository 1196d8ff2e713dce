package org.example.web.observability;

import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Which requests the instance logs itself. HAProxy logs every request (with its id, the instance
 * that served it, status and timings) to the request log collector; the instance adds a line of
 * its own, with the same request id, for every request that failed or was slow.
 *
 * @param enabled whether the instance logs failed and slow requests at all
 * @param slowThreshold a request that took at least this long is logged as slow
 * @param instanceName the name of this instance in logs and in the {@code X-Served-By} response
 * header that HAProxy records (the container's host name, which is also its container id)
 */
@ConfigurationProperties("app.request-log")
@Validated
record RequestLogProperties(boolean enabled, @NotNull @DurationMin(millis = 1) Duration slowThreshold,
		@NotBlank String instanceName) {
}
