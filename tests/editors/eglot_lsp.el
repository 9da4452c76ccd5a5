;;; eglot_lsp.el --- batch Emacs client for tests/editors/test_editors.py  -*- lexical-binding: t -*-
;; Opens OMEGA_FILE in a minimal omega-mode managed by eglot (omega-lsp on stdio), waits for
;; OMEGA_EXPECT flymake diagnostics, asks xref for the definition of the identifier at
;; OMEGA_LINE:OMEGA_COL (1-based line, 0-based column) and writes both as JSON to OMEGA_OUT.
(require 'eglot)
(require 'flymake)
(require 'xref)
(require 'json)

(define-derived-mode omega-mode prog-mode "Omega")
(setq eglot-server-programs `((omega-mode . (,(getenv "OMEGA_PYTHON") "-m" "omega_lsp"))))
(setq eglot-sync-connect t eglot-autoshutdown t)
;; A transient project rooted at the file's directory: no VC needed.
(setq project-find-functions (list (lambda (dir) (cons 'transient dir))))

(defun omega-test-finish (result)
  (with-temp-file (getenv "OMEGA_OUT") (insert (json-encode result)))
  (kill-emacs 0))

(condition-case err
    (progn
      (find-file (getenv "OMEGA_FILE"))
      (omega-mode)
      (eglot '(omega-mode) (project-current) 'eglot-lsp-server
             (list (getenv "OMEGA_PYTHON") "-m" "omega_lsp") "omega")
      (let ((want (string-to-number (getenv "OMEGA_EXPECT")))
            (deadline (+ (float-time) 20)))
        (while (and (< (length (flymake-diagnostics)) want) (< (float-time) deadline))
          (accept-process-output nil 0.05))
        (let ((diags (mapcar (lambda (d)
                               (save-excursion
                                 (goto-char (flymake-diagnostic-beg d))
                                 `((line . ,(line-number-at-pos)) (col . ,(current-column))
                                   (type . ,(symbol-name (flymake-diagnostic-type d)))
                                   (text . ,(flymake-diagnostic-text d)))))
                             (flymake-diagnostics))))
          (goto-char (point-min))
          (forward-line (1- (string-to-number (getenv "OMEGA_LINE"))))
          (forward-char (string-to-number (getenv "OMEGA_COL")))
          (let* ((id (xref-backend-identifier-at-point 'eglot))
                 (defs (xref-backend-definitions 'eglot id))
                 (locs (mapcar (lambda (x)
                                 (let ((loc (xref-item-location x)))
                                   `((file . ,(xref-file-location-file loc))
                                     (line . ,(xref-file-location-line loc))
                                     (col . ,(xref-file-location-column loc)))))
                               defs)))
            (omega-test-finish `((diagnostics . ,(vconcat diags)) (definition . ,(vconcat locs))))))))
  (error (omega-test-finish `((error . ,(format "%S" err))))))
