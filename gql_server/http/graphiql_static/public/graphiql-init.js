/* Mounts GraphiQL against the endpoint that served this page; no inline script, so the page's
   Content-Security-Policy can refuse every script that is not one of the app's own files.
   The example is clients/operations/UserPage.graphql; GraphiQL shows it only until the
   browser has editor contents of its own stored (localStorage).
   Outside production the server may render the page with the demo customer's access token
   (data-access-token): it fills the Headers tab, which GraphiQL does not store unless told
   to, so a reload brings a fresh token. (Its history keeps the headers of queries run, as
   it does any header: the token expires as usual, and opens only the demo account.) */
(function () {
  "use strict";
  var container = document.getElementById("graphiql");
  var accessToken = container.getAttribute("data-access-token");
  var defaultHeaders = accessToken
    ? JSON.stringify({ Authorization: "Bearer " + accessToken }, null, 2)
    : undefined;
  var defaultQuery = [
    accessToken
      ? "# Signed in as the demo customer (see Headers): Ctrl-Enter runs the example"
      : '# Signed out: run logIn, then add {"Authorization": "Bearer <accessToken>"} in Headers',
    "query UserPage($skip: Int! = 0, $limit: Int! = 20, $where: UserFilter) {",
    "  users(skip: $skip, limit: $limit, where: $where) {",
    "    id",
    "    name",
    "    surname",
    "    email",
    "    lastchange",
    "    addresses {",
    "      id",
    "      address",
    "      network",
    "      isDefault",
    "      addressBalance",
    "    }",
    "    orders {",
    "      id",
    "      orderType",
    "      asset",
    "      start",
    "      expectedEnd",
    "      memo",
    "      transactions {",
    "        id",
    "        tranxRef",
    "        tranxId",
    "        confirmations",
    "        meta",
    "      }",
    "    }",
    "  }",
    "}",
    "",
  ].join("\n");
  var fetcher = GraphiQL.createFetcher({ url: window.location.pathname });
  var root = ReactDOM.createRoot(container);
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      defaultHeaders: defaultHeaders,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    })
  );
})();
