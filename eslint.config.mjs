// ESLint flat config for the map's own JavaScript (make lint).
// geo/maps/flashpoints.js is a classic script inlined in the page by geo/maps/draw.py:
// it runs in the browser, after Leaflet (the global L), and sets window.Flashpoints.
import js from "@eslint/js";

export default [
  {ignores: [".venv/", "build/", "dist/", "maps/"]},
  js.configs.recommended,
  {
    files: ["geo/maps/**/*.js"],
    languageOptions: {
      ecmaVersion: 2022,
      sourceType: "script",
      globals: {
        // The browser globals the script uses (listed here rather than adding the
        // `globals` package for them); add to this list when it uses more.
        window: "readonly",
        document: "readonly",
        setInterval: "readonly",
        clearInterval: "readonly",
        Blob: "readonly",
        URL: "readonly",
        atob: "readonly",
        // Leaflet, loaded before the script.
        L: "readonly",
      },
    },
  },
];
