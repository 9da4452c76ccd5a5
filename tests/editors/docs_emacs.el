;;; docs_emacs.el --- batch Emacs run of the guide's configuration  -*- lexical-binding: t -*-
;; Loads docs/debugging.md's first Emacs Lisp block (OMEGA_CONFIG) with a stand-in for dape (not
;; installed here: a `dape-configs' variable and the feature), opens OMEGA_FILE, lets eglot-ensure
;; connect omega-lsp, waits for OMEGA_EXPECT flymake diagnostics and writes what it saw to OMEGA_OUT.
(require 'eglot)
(require 'flymake)
(require 'json)
(defvar dape-configs nil)
(provide 'dape)
(setq project-find-functions (list (lambda (dir) (cons 'transient dir))))

(defun omega-docs-finish (result)
  (with-temp-file (getenv "OMEGA_OUT") (insert (json-encode result)))
  (kill-emacs 0))

(condition-case err
    (progn
      (load (getenv "OMEGA_CONFIG") nil t)
      (find-file (getenv "OMEGA_FILE"))
      (run-hooks 'post-command-hook)   ; eglot-ensure connects after the command that opened the file
      (let ((want (string-to-number (getenv "OMEGA_EXPECT")))
            (deadline (+ (float-time) 30)))
        (while (and (< (length (flymake-diagnostics)) want) (< (float-time) deadline))
          (run-hooks 'post-command-hook)
          (accept-process-output nil 0.05))
        (let ((dape (alist-get 'omega dape-configs)))
          (omega-docs-finish
           `((mode . ,(symbol-name major-mode))
             (managed . ,(if (eglot-current-server) t :json-false))
             (diagnostics . ,(length (flymake-diagnostics)))
             (dape-command . ,(plist-get (cddr dape) 'command))
             (dape-request . ,(plist-get (cddr dape) :request)))))))
  (error (omega-docs-finish `((error . ,(error-message-string err))))))
