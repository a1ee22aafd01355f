-- A second, independent LSP client for the Fluxo language server: headless
-- Neovim attaches `fluxo lsp --stdio` to a two-file workspace and checks
-- diagnostics, completion, hover, definition, rename and formatting through
-- Neovim's own LSP client (its framing, position encoding and edit
-- application). Run by test/lsp-nvim.test.ts:
--
--   FLUXO_WORKSPACE=dir FLUXO_CMD='["node","…/fluxo.js","lsp","--stdio"]' FLUXO_OUT=file \
--     nvim --headless -u NONE -i NONE -n -c 'luafile test/nvim/lsp-check.lua'
--
-- Works with Neovim 0.7 (Debian's) and later: `vim.lsp.start` where it
-- exists, `start_client` + `buf_attach_client` before it.

local workspace = os.getenv("FLUXO_WORKSPACE") or ""
local out_path = os.getenv("FLUXO_OUT") or "fluxo-nvim-result.txt"
local lines_out = {}

local function report(line)
  table.insert(lines_out, line)
end

local function finish(status)
  local file = io.open(out_path, "w")
  file:write(table.concat(lines_out, "\n") .. "\n")
  file:close()
  vim.cmd(status == 0 and "qa!" or "cquit! " .. status)
end

local function check(name, condition, detail)
  if not condition then error(name .. ": " .. vim.inspect(detail), 0) end
  report("ok " .. name)
end

local function run()
  local cmd = vim.fn.json_decode((assert(os.getenv("FLUXO_CMD"), "FLUXO_CMD is not set")))
  local main = workspace .. "/main.flow"
  vim.cmd("edit " .. vim.fn.fnameescape(main))
  local buf = vim.api.nvim_get_current_buf()
  local config = { name = "fluxo", cmd = cmd, root_dir = workspace, workspace_folders = { { uri = vim.uri_from_fname(workspace), name = "shop" } } }
  local client_id
  if vim.lsp.start then
    client_id = vim.lsp.start(config)
  else
    client_id = vim.lsp.start_client(config)
    vim.lsp.buf_attach_client(buf, client_id)
  end
  local client = vim.lsp.get_client_by_id(client_id)
  check("initialize", vim.wait(30000, function() return client.server_capabilities ~= nil and next(client.server_capabilities) ~= nil end, 20), "no capabilities")

  local function request(method, params)
    local response, err = client.request_sync(method, params, 10000, buf)
    if err then error(method .. ": " .. tostring(err), 0) end
    if response == nil then error(method .. ": no response", 0) end
    if response.err then error(method .. ": " .. vim.inspect(response.err), 0) end
    return response.result
  end

  local function find(pattern)
    for i, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
      local col = line:find(pattern, 1, true)
      if col then return { line = i - 1, character = col - 1 } end
    end
    error("not found in buffer: " .. pattern, 0)
  end

  local function codes()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do table.insert(out, tostring(d.code)) end
    table.sort(out)
    return table.concat(out, ",")
  end

  -- Diagnostics: an unknown step is pushed with its FX code, and cleared when fixed.
  local done_at = find("goto done")
  vim.api.nvim_buf_set_text(buf, done_at.line, done_at.character + 5, done_at.line, done_at.character + 9, { "nowhere" })
  check("diagnostics pushed", vim.wait(10000, function() return codes():find("FX2002", 1, true) ~= nil end, 20), codes())
  local nowhere_at = find("goto nowhere")
  vim.api.nvim_buf_set_text(buf, nowhere_at.line, nowhere_at.character + 5, nowhere_at.line, nowhere_at.character + 12, { "done" })
  check("diagnostics cleared", vim.wait(10000, function() return codes() == "" end, 20), codes())

  -- Completion after `goto ` on a new line.
  local end_at = find("    end")
  vim.api.nvim_buf_set_lines(buf, end_at.line, end_at.line, false, { "    goto " })
  local completion = request("textDocument/completion", { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = end_at.line, character = 9 } })
  local labels = {}
  for _, item in ipairs(completion.items or completion) do table.insert(labels, item.label) end
  check("completion of steps", table.concat(labels, ",") == "done", labels)
  vim.api.nvim_buf_set_lines(buf, end_at.line, end_at.line + 1, false, {})

  -- Hover on an imported action (multi-byte text before it on the line is fine: positions are UTF-16).
  local get_at = find("getOrder(id)")
  local hover = request("textDocument/hover", { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = get_at.line, character = get_at.character + 3 } })
  check("hover", hover.contents.value:find("action getOrder(id: string) -> Order", 1, true) ~= nil, hover)

  -- Definition of the imported action lands in the other file.
  local definition = request("textDocument/definition", { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = get_at.line, character = get_at.character + 3 } })
  local location = definition[1] or definition
  check("definition in the other file", location.uri == vim.uri_from_fname(workspace .. "/orders.flow") and location.range.start.line == 10, location)

  -- Rename a flow across both files, applied by Neovim itself.
  local run_at = find("run human")
  local edit = request("textDocument/rename", { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = run_at.line, character = run_at.character + 5 }, newName = "person" })
  vim.lsp.util.apply_workspace_edit(edit, "utf-16")
  local text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  local orders = vim.fn.bufnr(workspace .. "/orders.flow")
  local orders_text = table.concat(vim.api.nvim_buf_get_lines(orders, 0, -1, false), "\n")
  check("rename across files", text:find("run person(", 1, true) and text:find("getOrder, person }", 1, true) and orders_text:find("flow person(", 1, true), { text, orders_text })

  -- Formatting: a badly indented line comes back canonical.
  local say_at = find('say "Hi,')
  local say_line = vim.api.nvim_buf_get_lines(buf, say_at.line, say_at.line + 1, false)[1]
  vim.api.nvim_buf_set_lines(buf, say_at.line, say_at.line + 1, false, { "  " .. vim.trim(say_line):gsub("^say ", "say    ") })
  local edits = request("textDocument/formatting", { textDocument = { uri = vim.uri_from_bufnr(buf) }, options = { tabSize = 4, insertSpaces = true } })
  vim.lsp.util.apply_text_edits(edits, buf, "utf-16")
  check("formatting", vim.api.nvim_buf_get_lines(buf, say_at.line, say_at.line + 1, false)[1] == say_line, vim.api.nvim_buf_get_lines(buf, say_at.line, say_at.line + 1, false))

  client.stop()
  finish(0)
end

local ok, err = pcall(run)
if not ok then
  report("FAIL " .. tostring(err))
  finish(1)
end
