// The query page's editor: CodeMirror 6 with SPARQL highlighting over the plain textarea.
// Without JavaScript the textarea and the form work the same; this only enhances them.
import {
  EditorView, EditorState, keymap, lineNumbers, drawSelection, highlightActiveLine,
  StreamLanguage, syntaxHighlighting, defaultHighlightStyle, bracketMatching, indentOnInput,
  defaultKeymap, history, historyKeymap, indentWithTab, sparql,
} from "./vendor/codemirror/codemirror-sparql.min.js";

const textarea = document.getElementById("query");
const form = document.getElementById("query-form");

if (textarea && form) {
  const run = () => { form.requestSubmit(); return true; };
  const editor = document.createElement("div");
  editor.className = "editor";
  textarea.insertAdjacentElement("afterend", editor);
  const view = new EditorView({
    parent: editor,
    state: EditorState.create({
      doc: textarea.value,
      extensions: [
        lineNumbers(), history(), drawSelection(), highlightActiveLine(), bracketMatching(),
        indentOnInput(), StreamLanguage.define(sparql),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        keymap.of([{ key: "Mod-Enter", run }, indentWithTab, ...defaultKeymap, ...historyKeymap]),
        EditorView.lineWrapping,
        EditorView.contentAttributes.of({ "aria-label": "SPARQL query" }),
        // Keep the textarea current, so the form submits what the editor shows.
        EditorView.updateListener.of((update) => {
          if (update.docChanged) textarea.value = update.state.doc.toString();
        }),
      ],
    }),
  });
  textarea.hidden = true;
  document.querySelector('label[for="query"]')?.addEventListener("click", () => view.focus());
  window.ppkgEditor = view;  // for tests and the console
}
