/* Schema forms (webui/templates/macros/schema_form.html): reads the fields back as typed JSON,
 * nested objects and lists of rows included, and wires the rows' add/remove buttons and the
 * toggles of optional objects. Used by the run form and the approval form. */
"use strict";

(() => {
  class FieldError extends Error {}

  /** The fields directly inside `owner` (a form or an object field), not those nested deeper. */
  function childFields(owner) {
    const form = owner.closest("form");
    return [...owner.querySelectorAll("[data-field]")].filter(
      (field) => field !== owner && (field.parentElement.closest("[data-field]") || form) === owner);
  }

  /** What an absent optional value is: null when it must be given but may be null, else left out. */
  function absent(field) {
    return field.dataset.nullable === "true" && field.dataset.required === "true" ? null : undefined;
  }

  /** The typed value of one input field, or `undefined` to leave it out (the default applies). */
  function scalarValue(field) {
    const kind = field.dataset.kind;
    const input = field.querySelector("input, select, textarea");
    if (kind === "boolean") return input.checked;
    const raw = input.value;
    if (raw.trim() === "") return absent(field);
    if (kind === "integer" || kind === "number") {
      const number = Number(raw);
      if (!Number.isFinite(number)) throw new FieldError("not a number");
      return number;
    }
    if (kind === "enum") return JSON.parse(raw);
    if (kind === "json") {
      try { return JSON.parse(raw); } catch (err) { throw new FieldError("not valid JSON: " + err.message); }
    }
    if (kind === "any") {
      try { return JSON.parse(raw); } catch (err) { return raw; } // plain text is a string
    }
    return raw;
  }

  function objectValue(field, path, problems) {
    const toggle = field.querySelector(":scope > fieldset > legend [data-present]");
    if (toggle && !toggle.checked) return absent(field);
    return readFields(field, path, problems);
  }

  function listValue(field, path, problems) {
    const rows = [...field.querySelectorAll(":scope > fieldset > .list-rows > .list-row")];
    if (!rows.length && field.dataset.required !== "true" && field.dataset.hasDefault !== "true") return undefined;
    return rows.map((row, index) => {
      const item = row.querySelector(":scope > [data-field]");
      const value = valueOf(item, path.concat(String(index)), problems);
      if (value === undefined) throw new FieldError("item " + (index + 1) + " is empty");
      return value;
    });
  }

  function valueOf(field, path, problems) {
    if (field.dataset.kind === "object") return objectValue(field, path, problems);
    if (field.dataset.kind === "list") return listValue(field, path, problems);
    return scalarValue(field);
  }

  /** The object of the fields inside `owner`; unreadable inputs are added to `problems`. */
  function readFields(owner, path, problems) {
    const values = {};
    childFields(owner).forEach((field) => {
      const here = path.concat(field.dataset.field);
      try {
        const value = valueOf(field, here, problems);
        if (value !== undefined) values[field.dataset.field] = value;
      } catch (err) {
        if (!(err instanceof FieldError)) throw err;
        problems.push({ field: here.join("/"), message: err.message });
      }
    });
    return values;
  }

  /** `{values, problems}`: the form's arguments and the inputs that cannot be read. */
  function read(form) {
    const problems = [];
    const values = readFields(form, [], problems);
    return { values, problems };
  }

  /** Error details with nested fields (`cfg/origin/x`) shown at their top-level field. */
  function atTopLevel(details) {
    return (Array.isArray(details) ? details : []).map((d) => {
      const [top, ...rest] = String(d.field || "").split("/");
      return rest.length ? { field: top, message: rest.join(".") + ": " + d.message } : d;
    });
  }

  /** Give ids and labels of a new row its index (nested templates keep their own token). */
  function renumber(fragment, token, index) {
    fragment.querySelectorAll("[id], [for], [data-path]").forEach((el) => {
      ["id", "for", "data-path"].forEach((name) => {
        if (el.hasAttribute(name)) el.setAttribute(name, el.getAttribute(name).replaceAll(token, index));
      });
    });
    fragment.querySelectorAll("template").forEach((template) => renumber(template.content, token, index));
  }

  function addRow(list) {
    const template = list.querySelector(":scope > fieldset > template");
    const row = template.content.cloneNode(true);
    const index = Number(list.dataset.nextRow || 0);
    list.dataset.nextRow = String(index + 1);
    renumber(row, list.dataset.rowToken, String(index));
    const rows = list.querySelector(":scope > fieldset > .list-rows");
    rows.appendChild(row);
    const first = rows.lastElementChild.querySelector("input, select, textarea");
    if (first) first.focus();
  }

  document.addEventListener("click", (event) => {
    const add = event.target.closest("[data-add-row]");
    if (add) addRow(add.closest('[data-kind="list"]'));
    const remove = event.target.closest("[data-remove-row]");
    if (remove) remove.closest(".list-row").remove();
  });
  document.addEventListener("change", (event) => {
    if (event.target.matches("[data-present]")) {
      event.target.closest("fieldset").disabled = !event.target.checked;
    }
  });

  window.taskmillSchemaForm = { read, atTopLevel };
})();
