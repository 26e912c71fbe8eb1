/* Mounts GraphiQL against the endpoint that served this page; no inline script, so the page's
   Content-Security-Policy can refuse every script that is not one of the app's own files.
   The example is clients/operations/UserPage.graphql; GraphiQL shows it only until the
   browser has editor contents of its own stored (localStorage). */
(function () {
  "use strict";
  var defaultQuery = [
    "# Users with their addresses, orders and transactions (Ctrl-Enter runs it)",
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
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(
    React.createElement(GraphiQL, {
      fetcher: fetcher,
      defaultQuery: defaultQuery,
      plugins: [GraphiQLPluginExplorer.explorerPlugin()],
    })
  );
})();
