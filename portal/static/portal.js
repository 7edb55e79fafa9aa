// Progressive enhancement only: the form works the same without it.
// When the family picks a preferred language that the event has an
// interpreter for, suggest that interpreter.
(function () {
  var language = document.getElementById("language");
  var interpreter = document.getElementById("interpreter_language");
  if (!language || !interpreter) return;
  var touched = false;
  interpreter.addEventListener("change", function () { touched = true; });
  language.addEventListener("change", function () {
    if (touched) return;
    var offered = Array.prototype.some.call(interpreter.options, function (option) {
      return option.value === language.value;
    });
    interpreter.value = offered ? language.value : "";
  });
})();
