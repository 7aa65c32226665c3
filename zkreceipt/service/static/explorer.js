// Reads the chosen bundle file into the form's text area (pasting works without this script).
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var picker = document.getElementById("bundle-file");
  var text = document.getElementById("bundle");
  if (!picker || !text) return;
  picker.addEventListener("change", function () {
    var file = picker.files && picker.files[0];
    if (!file) return;
    file.text().then(function (content) { text.value = content; });
  });
});
