/* Mounts GraphiQL against the endpoint that served this page; no inline script, so the page's
   Content-Security-Policy can refuse every script that is not one of the app's own files. */
(function () {
  "use strict";
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher }));
})();
