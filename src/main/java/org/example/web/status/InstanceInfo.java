package org.example.web.status;

import java.time.Instant;

/** What {@code /whoami} tells about the instance that answered. */
record InstanceInfo(String instanceId, String hostname, String address, String version, Instant startedAt) {
}
