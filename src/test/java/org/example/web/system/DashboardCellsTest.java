package org.example.web.system;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class DashboardCellsTest {

	@Test
	void theTextOfEveryCellWithAnId() {
		// As Chromium dumps the console (prom_query_drilldown renders a link per number).
		String dom = """
				<tr><td>Instances up</td>
				  <td id="web-instances-up">
				<a class="prom_query_drilldown" href="/graph?g0.expr=count">3</a>
				 /\s
				<a class="prom_query_drilldown" href="/graph?g0.expr=count">3</a>
				</td></tr>
				<tr><td>Error budget left</td><td id="error-budget-left"><a href="#error-budget">49.97%</a></td></tr>
				<td class="text-right" id="availability-30d">no traffic yet</td>
				""";
		assertThat(DashboardCells.of(dom)).containsEntry("web-instances-up", "3 / 3")
			.containsEntry("error-budget-left", "49.97%")
			.containsEntry("availability-30d", "no traffic yet")
			.hasSize(3);
	}

}
