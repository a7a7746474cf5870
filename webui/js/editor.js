// CodeMirror 6 islands of the dashboard, bundled by build.sh into static/dist/editor.js.
//  - textarea[data-editor]: an editor mounted over a hidden textarea that stays in sync, so the
//    form keeps working (and tests can type) with or without this bundle. Exposed as
//    window.taskmillEditor = {view, getValue, setValue, setLanguage, markError, clearError}.
//  - pre[data-code-view]: replaced by a read-only, highlighted view of the same code.
import { EditorView, basicSetup } from "codemirror";
import { Compartment, EditorState, StateEffect, StateField } from "@codemirror/state";
import { Decoration, lineNumbers } from "@codemirror/view";
import { StreamLanguage, defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { python } from "@codemirror/lang-python";
import { javascript } from "@codemirror/lang-javascript";
import { PostgreSQL, sql } from "@codemirror/lang-sql";
import { go } from "@codemirror/legacy-modes/mode/go";
import { shell } from "@codemirror/legacy-modes/mode/shell";
import { yaml } from "@codemirror/legacy-modes/mode/yaml";

const LANGUAGES = {
  python: () => python(),
  typescript: () => javascript({ typescript: true }),
  go: () => StreamLanguage.define(go),
  bash: () => StreamLanguage.define(shell),
  yaml: () => StreamLanguage.define(yaml),
  sql: () => sql({ dialect: PostgreSQL }),
};

function languageSupport(name) {
  return (LANGUAGES[name] || (() => []))();
}

const theme = EditorView.theme({
  "&": { fontSize: "13px", border: "1px solid var(--border)", borderRadius: "6px", background: "#fff" },
  "&.cm-focused": { outline: "2px solid var(--focus)", outlineOffset: "-1px" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.5" },
  ".cm-content": { minHeight: "320px" },
  ".cm-gutters": { background: "#f7f8fa", borderRight: "1px solid var(--border)", color: "#8a93a3" },
  ".cm-error-line": { background: "#fde8e8" },
  ".cm-error-line-gutter": { color: "#c81e1e", fontWeight: "bold" },
});

// The line of the last syntax error the API reported; cleared by the next edit.
const setErrorLine = StateEffect.define();
const errorLine = StateField.define({
  create: () => Decoration.none,
  update(decorations, tr) {
    for (const effect of tr.effects) {
      if (effect.is(setErrorLine)) {
        if (effect.value === null) return Decoration.none;
        const line = tr.state.doc.line(effect.value);
        return Decoration.set([Decoration.line({ class: "cm-error-line" }).range(line.from)]);
      }
    }
    return tr.docChanged ? Decoration.none : decorations;
  },
  provide: (field) => EditorView.decorations.from(field),
});

function mountEditor(textarea) {
  const language = new Compartment();
  const position = document.getElementById("cursor-pos");
  const view = new EditorView({
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        basicSetup, theme, errorLine,
        language.of(languageSupport(textarea.dataset.language)),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
          if (position && update.selectionSet) {
            const head = update.state.selection.main.head;
            const line = update.state.doc.lineAt(head);
            position.textContent = "line " + line.number + ", column " + (head - line.from + 1);
          }
        }),
      ],
    }),
  });
  textarea.insertAdjacentElement("afterend", view.dom);
  textarea.hidden = true;
  view.dom.id = "code-editor";

  return {
    view,
    getValue: () => view.state.doc.toString(),
    setValue(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
      textarea.value = text;
    },
    setLanguage(name) {
      view.dispatch({ effects: language.reconfigure(languageSupport(name)) });
    },
    /** Highlight `line` (1-based), put the cursor at `column` and scroll it into view. */
    markError(line, column = 1) {
      const doc = view.state.doc;
      const target = doc.line(Math.min(Math.max(1, line), doc.lines));
      const pos = Math.min(target.from + Math.max(0, column - 1), target.to);
      view.dispatch({
        effects: [setErrorLine.of(target.number), EditorView.scrollIntoView(pos, { y: "center" })],
        selection: { anchor: pos },
      });
      view.focus();
    },
    clearError() {
      view.dispatch({ effects: setErrorLine.of(null) });
    },
  };
}

function mountCodeView(pre) {
  const view = new EditorView({
    state: EditorState.create({
      doc: pre.textContent,
      extensions: [
        // No basicSetup: a read-only view needs no active-line, folding or autocompletion.
        lineNumbers(), syntaxHighlighting(defaultHighlightStyle), theme,
        languageSupport(pre.dataset.language),
        EditorState.readOnly.of(true), EditorView.editable.of(false),
        EditorView.theme({ ".cm-content": { minHeight: "0" } }),
      ],
    }),
  });
  pre.replaceWith(view.dom);
  view.dom.classList.add("code-view-cm");
}

const editorArea = document.querySelector("textarea[data-editor]");
if (editorArea) window.taskmillEditor = mountEditor(editorArea);
document.querySelectorAll("pre[data-code-view]").forEach(mountCodeView);
