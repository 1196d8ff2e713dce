package org.example.web.system;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The figures of the dashboard (prometheus/consoles/web.html) as a browser shows them: the text
 * of every table cell that has an id ("consul-servers-up" -> "3 / 3"), tags removed, blanks
 * collapsed, from the DOM headless Chromium dumps.
 */
final class DashboardCells {

	private static final Pattern CELL = Pattern.compile("<td[^>]*\\bid=\"([^\"]+)\"[^>]*>(.*?)</td>", Pattern.DOTALL);

	private DashboardCells() {
	}

	static Map<String, String> of(String dom) {
		Map<String, String> cells = new LinkedHashMap<>();
		Matcher cell = CELL.matcher(dom);
		while (cell.find()) {
			String text = cell.group(2).replaceAll("<[^>]*>", " ").replace("&nbsp;", " ").replaceAll("\\s+", " ").trim();
			cells.put(cell.group(1), text);
		}
		return cells;
	}

}
