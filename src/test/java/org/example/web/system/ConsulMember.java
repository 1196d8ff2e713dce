package org.example.web.system;

import java.util.List;

/**
 * A row of `consul members`: node name, address (IP, without the gossip port) and status
 * (alive, failed, left, leaving). A node that was force-left with -prune is no row at all.
 */
record ConsulMember(String node, String address, String status) {

	/**
	 * The rows of `consul members` ("Node Address Status Type Build Protocol DC Segment", the
	 * address as IP:port).
	 */
	static List<ConsulMember> parse(String output) {
		return output.lines()
			.map(String::trim)
			.filter((line) -> !line.isEmpty() && !line.startsWith("Node "))
			.map((line) -> line.split("\\s+"))
			.filter((f) -> f.length >= 3 && f[1].contains(":"))
			.map((f) -> new ConsulMember(f[0], f[1].substring(0, f[1].lastIndexOf(':')), f[2]))
			.toList();
	}

	boolean isAlive() {
		return this.status.equals("alive");
	}

}
