// The API documentation page (templates/api/docs.html): Swagger UI on the service's own
// OpenAPI description. Our file, not part of swagger-ui-dist (no inline script: strict CSP).
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof window.SwaggerUIBundle !== "function") {
    return;
  }
  window.SwaggerUIBundle({
    url: root.getAttribute("data-spec-url"),
    domNode: root,
    deepLinking: false, // a link inside each operation's button fails WCAG (nested controls)
    tryItOutEnabled: false,
    withCredentials: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
})();
