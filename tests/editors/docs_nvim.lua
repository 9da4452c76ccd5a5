-- Headless Neovim run of the guide's configuration (docs/debugging.md's Lua block, OMEGA_CONFIG):
-- nvim-dap is not installed here, so a stand-in `dap` module records what the configuration
-- gives it. Opens OMEGA_FILE, waits for OMEGA_EXPECT diagnostics from omega-lsp and writes them,
-- with the adapter and configurations, as JSON to OMEGA_OUT.
package.loaded.dap = { adapters = {}, configurations = {} }
local function finish(result)
  vim.fn.writefile({ vim.fn.json_encode(result) }, vim.env.OMEGA_OUT)
  vim.cmd("qall!")
end
local ok, err = pcall(dofile, vim.env.OMEGA_CONFIG)
if not ok then
  finish({ error = "the configuration failed: " .. tostring(err) })
  return
end
vim.cmd("edit " .. vim.fn.fnameescape(vim.env.OMEGA_FILE))
local want = tonumber(vim.env.OMEGA_EXPECT)
local waited = vim.wait(30000, function() return #vim.diagnostic.get(0) >= want end, 50)
local codes = {}
for _, d in ipairs(vim.diagnostic.get(0)) do
  table.insert(codes, d.code or (d.user_data and d.user_data.lsp and d.user_data.lsp.code) or d.message)
end
local dap = package.loaded.dap
finish({ waited = waited, filetype = vim.bo.filetype, codes = codes,
         adapter = dap.adapters.omega, configurations = dap.configurations.omega })
