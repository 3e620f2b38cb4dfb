// Gateway status page: asks /api/health/<service> for each row and shows what it answered.
"use strict";

async function checkService(row) {
  const cell = row.querySelector(".health");
  const service = row.dataset.service;
  try {
    const response = await fetch(`/api/health/${service}`, { cache: "no-store" });
    cell.textContent = response.ok ? "up" : `down (HTTP ${response.status})`;
    cell.className = response.ok ? "health up" : "health down";
  } catch (error) {
    cell.textContent = "down (no answer)";
    cell.className = "health down";
  }
}

async function checkAll() {
  const rows = document.querySelectorAll("#services tbody tr");
  await Promise.all(Array.from(rows, checkService));
  document.getElementById("checked-at").textContent =
    `Last checked ${new Date().toLocaleTimeString()}`;
}

checkAll();
setInterval(checkAll, 10000);
