-- Headless Neovim client for tests/editors/test_editors.py: opens OMEGA_FILE with omega-lsp attached
-- through vim.lsp, waits for OMEGA_EXPECT diagnostics, asks for the definition at OMEGA_LINE:OMEGA_COL
-- (0-based, UTF-16) and writes both as JSON to OMEGA_OUT, then quits.
local function finish(result)
  vim.fn.writefile({ vim.fn.json_encode(result) }, vim.env.OMEGA_OUT)
  vim.cmd("qall!")
end

vim.cmd("edit " .. vim.fn.fnameescape(vim.env.OMEGA_FILE))
local client_id = vim.lsp.start_client({
  name = "omega-lsp",
  cmd = { vim.env.OMEGA_PYTHON, "-m", "omega_lsp" },
  root_dir = vim.fn.fnamemodify(vim.env.OMEGA_FILE, ":h"),
})
if not client_id then
  finish({ error = "could not start omega-lsp" })
  return
end
vim.lsp.buf_attach_client(0, client_id)

local want = tonumber(vim.env.OMEGA_EXPECT)
local ok = vim.wait(20000, function() return #vim.diagnostic.get(0) >= want end, 50)
local diagnostics = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(diagnostics, { code = d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code),
    line = d.lnum, col = d.col, severity = d.severity, message = d.message })
end

local params = {
  textDocument = { uri = vim.uri_from_bufnr(0) },
  position = { line = tonumber(vim.env.OMEGA_LINE), character = tonumber(vim.env.OMEGA_COL) },
}
local responses = vim.lsp.buf_request_sync(0, "textDocument/definition", params, 20000) or {}
local locations = {}
for _, response in pairs(responses) do
  local result = response.result or {}
  if result.uri then result = { result } end
  for _, loc in ipairs(result) do
    table.insert(locations, { uri = loc.uri or loc.targetUri, range = loc.range or loc.targetSelectionRange })
  end
end
finish({ waited = ok, diagnostics = diagnostics, definition = locations })
