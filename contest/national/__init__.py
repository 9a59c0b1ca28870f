"""The national level (RULES §6). On the province's side: which entries it sends to the
national contest and what they obtained there (:mod:`.selection`, pages in
:mod:`.views_selection`), the registration forms (:mod:`.paper`) and the dossier ZIP
(:mod:`.dossier`). Between the two: the selection carried as a signed package
(:mod:`.package`). On the national side: the package received into a national edition
(:mod:`.intake`, :mod:`.send_job`) and what arrived from each province (:mod:`.arrivals`,
:mod:`.views`)."""
