/* The poster's print button (the page holds no inline script). */
document.getElementById("print").addEventListener("click", () => window.print());
