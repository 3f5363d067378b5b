"""GOV.UK Design System pieces the apps share: the wording of form errors (forms.py)."""
