// The schedule editor's drag and drop: a session dropped on a grid cell fills in its own
// "move to" form (room, day, time) and submits it; dropped on the list, it submits its
// "back to the list" form.  Without JavaScript the same forms work by hand.
(function () {
  "use strict";
  var grid = document.querySelector(".editor-grid");
  if (!grid) return;
  var dragged = null;

  document.querySelectorAll(".card.movable").forEach(function (card) {
    card.addEventListener("dragstart", function (event) {
      dragged = card;
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", card.id);
      card.classList.add("dragging");
    });
    card.addEventListener("dragend", function () {
      card.classList.remove("dragging");
    });
  });

  function accept(target, onDrop) {
    target.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      target.classList.add("over");
    });
    target.addEventListener("dragleave", function () {
      target.classList.remove("over");
    });
    target.addEventListener("drop", function (event) {
      event.preventDefault();
      target.classList.remove("over");
      if (dragged) onDrop(dragged);
      dragged = null;
    });
  }

  document.querySelectorAll(".editor-grid .drop").forEach(function (cell) {
    accept(cell, function (card) {
      var form = card.querySelector("form.move-form");
      form.elements.room.value = cell.dataset.room;
      form.elements.day.value = grid.dataset.day;
      form.elements.time.value = cell.dataset.time;
      form.requestSubmit();
    });
  });

  var list = document.querySelector(".drop-list");
  if (list) {
    accept(list, function (card) {
      var form = card.querySelector("form.unplace-form");
      if (form) form.requestSubmit();
    });
  }
})();
