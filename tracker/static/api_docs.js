// Start Swagger UI on this API's own OpenAPI document (kept in a file so the CSP needs no inline script).
window.ui = SwaggerUIBundle({
  url: "/api/v1/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
});
