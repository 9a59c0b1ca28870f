"""The national level (issue 17 part 3): a province's national selection carried as a signed
package (:mod:`.package`), received into a national edition (:mod:`.intake`), and what
arrived from each province (:mod:`.views`)."""
